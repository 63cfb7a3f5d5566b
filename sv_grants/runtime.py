"""Settings for a long-running server process, applied once its app is built."""

from __future__ import annotations

import gc


def settle_heap() -> None:
    """Move everything alive at start-up (the app, its templates, SQLAlchemy's mappers) out of the
    garbage collector's sight. Python's full collections walk every tracked object, and a panel
    page of 500 applications allocates enough to set one off: without this, one view in ten took
    twice as long as the rest. Only objects made after this point are examined from then on."""
    gc.collect()
    gc.freeze()
