"""qipp-rag: assure NHS commissioners' QIPP savings plans against green criteria.

Imports.  A module imports what it uses at its top, so that what it depends
on is plain to read and ``tests/test_architecture.py`` sees every edge of the
import graph (and proves it has no loops).  An import moves into the function
that needs it only to keep start-up short, and then only:

- a heavy third-party library (jinja2, markupsafe, rich, multiprocessing ...),
  anywhere it is needed by some paths only;
- a module of this package, in the command line's entry points
  (``qipp_rag/cli.py`` and ``qipp_rag/commands/``): each command imports what
  its own path needs, so that ``qipp-rag assess FILE`` pays for neither the
  other commands, nor typer, nor formats it does not write
  (``tests/test_assess_fast_start.py``);
- elsewhere, a module of this package that only some runs need (the process
  pool with several workers, the YAML hints on a syntax error, waivers with a
  waivers file, the HTML charts).  Each such import is
  listed with its reason in ``DEFERRED`` in ``tests/test_architecture.py``,
  which fails on any other.
"""

__version__ = "0.1.0"
