"""Static-site generator for the portal of provincial party-committee bloc results."""

__version__ = "0.1.0"
