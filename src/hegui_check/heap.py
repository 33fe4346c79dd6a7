"""How Python's cyclic garbage collector runs during the long jobs: one home for its settings.

Rendering a PDF (WeasyPrint) and scoring a batch allocate many short-lived objects; with Python's default
threshold (700 allocations) the collector runs thousands of times per report or batch, and each full
collection walks every live object, the library included. Both measured in bench/README.md."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

# WeasyPrint: rarer collections save about a tenth of the render time without raising the peak memory
RENDER_YOUNG_OBJECTS = 10_000
# a batch: in one of 1,000 companies (JSON) the collections took 91-97 ms by default, 55-73 ms with this
# and the library frozen (timed with gc.callbacks)
BATCH_YOUNG_OBJECTS = 5_000


@contextlib.contextmanager
def fewer_collections(young: int, *, freeze: bool = False) -> Iterator[None]:
    """The youngest generation collected after ``young`` allocations instead of 700 (never more often
    than the current setting). With ``freeze``, what is alive now (the library, its compiled conditions,
    the modules) is set apart from the collector (``gc.freeze``), so collections do not walk it again and
    again, and forked workers keep sharing its pages. Objects left in reference cycles are still
    collected; the settings are restored afterwards."""
    before = gc.get_threshold()
    if freeze:
        gc.freeze()
    gc.set_threshold(max(before[0], young), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        if freeze:
            gc.unfreeze()
