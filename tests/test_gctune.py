"""batch_gc restores the collector's settings and unfreezes what it froze."""
import gc

from eventcoder.gctune import YOUNG_THRESHOLD, batch_gc


def test_batch_gc_is_undone():
    before = gc.get_threshold()
    with batch_gc():
        assert gc.get_threshold()[0] == YOUNG_THRESHOLD
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
