"""Work shared out among worker processes: pages rendered, record files read, the downloads' rows made,
share cards drawn.

Each worker gets every `workers`-th item and sends back (index, result) pairs a few at a time, so the
parent uses results while the rest are made (`in_order` when it needs them in order). A worker that dies
leaves its items not sent yet to the parent, which makes them itself.
"""
from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from multiprocessing.connection import Connection, wait
from typing import Literal, TypeVar, cast

from generator import pickling

T = TypeVar("T")
R = TypeVar("R")

StartMethod = Literal["fork", "spawn"]
CHUNK = 8  # results a worker sends back at a time
WORTH_SHARING = 24  # fewer items than this are made sooner here than by starting workers


def default_workers(records: int) -> int:
    """Processes to work with: the cores, for builds big enough to gain from them."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(cores, 8) if records >= 500 else 1


def start_method() -> StartMethod:
    """`fork` where there is one (workers inherit what they work on without copying it), else `spawn`
    (Windows, and macOS by default), where they receive it pickled."""
    return "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"


def forking(workers: int) -> int:
    """`workers` where they can be forked, else 1: for work whose items would cost more to pickle to
    spawned workers (Windows) than they save."""
    return workers if start_method() == "fork" else 1


def _part(work: Callable[[T], R], part: list[tuple[int, T]], results: Connection) -> None:
    """In a worker process: `work` on some of the items, sent back as (index, result) pairs a few at a
    time, then None. Workers ignore Ctrl+C: the parent stops and reports once, without worker tracebacks."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for start in range(0, len(part), CHUNK):
        # Pickled field by field: results are records and pages' parts, many small dataclasses.
        results.send_bytes(pickling.dumps([(i, work(item)) for i, item in part[start:start + CHUNK]]))
    results.send_bytes(pickling.dumps(None))
    results.close()


def sharing(count: int, workers: int) -> bool:
    """Whether `shared_out` hands `count` items to worker processes (else makes them here)."""
    return workers >= 2 and count >= WORTH_SHARING


def shared_out(work: Callable[[T], R], items: Sequence[T], todo: list[int], workers: int,
               method: StartMethod | None = None) -> Iterator[tuple[int, R]]:
    """(i, work(items[i])) for each i in `todo`: made by `workers` processes as they send them, or here,
    in order, when there are fewer than WORTH_SHARING. With `spawn`, `work` and the items are pickled
    to the workers."""
    if not sharing(len(todo), workers):
        return ((i, work(items[i])) for i in todo)
    return _shared(work, items, todo, workers, method or start_method())


def _shared(work: Callable[[T], R], items: Sequence[T], todo: list[int], workers: int,
            method: StartMethod) -> Iterator[tuple[int, R]]:
    # Spelled out: each literal gives the type checker its own kind of context.
    context = multiprocessing.get_context("fork") if method == "fork" else multiprocessing.get_context("spawn")
    waiting: dict[Connection, dict[int, T]] = {}  # each worker's items not received yet
    with _ctrl_c_deferred() as interrupted:
        running: dict[Connection, multiprocessing.process.BaseProcess] = {}
        for n in range(workers):
            receive, send = context.Pipe(duplex=False)
            part = [(i, items[i]) for i in todo[n::workers]]
            process = context.Process(target=_part, args=(work, part, send), daemon=True)
            process.start()
            send.close()  # the worker holds the sending end now: reading sees EOF if the worker dies
            running[receive], waiting[receive] = process, dict(part)
    if interrupted:
        for worker in running.values():
            worker.terminate()
        raise KeyboardInterrupt
    try:
        while waiting:
            for ready in wait(list(waiting)):
                yield from _received(work, cast(Connection, ready), waiting)
    except BaseException:
        # Ctrl+C, a failure here or in the caller (which closes this generator): stop the workers, since
        # one may wait forever to send its results (a worker forked later holds a copy of the reading
        # end, so closing ours does not free it).
        for worker in running.values():
            worker.terminate()
        raise
    finally:
        for receive, worker in running.items():
            receive.close()
            worker.join()


def _received(work: Callable[[T], R], receive: Connection,
              waiting: dict[Connection, dict[int, T]]) -> Iterator[tuple[int, R]]:
    """What one worker sent; when it died, its items not received yet are worked on here instead."""
    remaining = waiting[receive]
    try:
        chunk = pickle.loads(receive.recv_bytes())
    except EOFError:
        del waiting[receive]
        yield from ((i, work(item)) for i, item in sorted(remaining.items()))
        return
    if chunk is None:
        del waiting[receive]
        return
    for i, result in chunk:
        del remaining[i]
        yield i, result


def in_order(results: Iterator[tuple[int, R]], todo: list[int]) -> Iterator[R]:
    """The results of `shared_out` in the order of `todo`, each as soon as those before it have come."""
    early: dict[int, R] = {}  # made before the ones ahead of them: workers send theirs as they come
    for i in todo:
        while i not in early:
            j, result = next(results)
            early[j] = result
        yield early.pop(i)


@contextmanager
def _ctrl_c_deferred() -> Iterator[list[bool]]:
    """Hold a Ctrl+C that arrives while workers are being started (Python drops a KeyboardInterrupt
    raised inside its own fork hooks) and report it once they all exist."""
    if threading.current_thread() is not threading.main_thread():
        yield []
        return
    interrupted: list[bool] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: interrupted.append(True))
    try:
        yield interrupted
    finally:
        signal.signal(signal.SIGINT, previous)
