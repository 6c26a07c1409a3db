from generator.cli import MODULE_PROG, run

run(prog=MODULE_PROG)
