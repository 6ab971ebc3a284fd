"""The product writers' frozen heap (publish/products/_heap.py): objects that exist when a
writer starts are out of the collector's reach while it runs and are given back afterwards,
whatever happens; an outer freeze and a disabled collector are left as they were; in a forked
worker (whose inherited objects the parent froze) they stay frozen, in the worker only."""

import gc

import pytest

from tryggaplatser.publish import _parallel
from tryggaplatser.publish.products import _heap
from tryggaplatser.publish.products.areas import write_area_reports, write_lagesbild
from tryggaplatser.publish.products.maps import write_maps
from tryggaplatser.publish.products.risk import write_risk_factors


@pytest.fixture
def clean_gc():
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    yield
    gc.unfreeze()
    gc.enable()


def _collected(obj) -> bool:
    """Whether ``obj`` is in one of the collector's generations (frozen objects are not)."""
    return any(o is obj for o in gc.get_objects())


def test_objects_before_are_frozen_and_given_back(clean_gc):
    before = [object(), {"a": 1}]  # a tracked container that exists before the block
    assert _collected(before)
    with _heap.heap_frozen() as froze:
        assert froze == "frozen"
        assert gc.get_freeze_count() > 0
        assert not _collected(before)
        made = []  # made inside the block: collected as usual
        made.append(made)
        assert _collected(made)
        del made
        assert gc.collect() >= 1  # the cycle made inside the block is freed
    assert gc.get_freeze_count() == 0
    assert _collected(before)


def test_given_back_when_the_writer_fails(clean_gc):
    @_heap.frozen_heap
    def writer(x):
        assert gc.get_freeze_count() > 0
        raise ValueError(x)

    with pytest.raises(ValueError, match="boom"):
        writer("boom")
    assert gc.get_freeze_count() == 0


def test_an_outer_freeze_is_left_alone(clean_gc):
    gc.freeze()
    frozen = gc.get_freeze_count()
    with _heap.heap_frozen() as froze:
        assert froze == "left"
    assert gc.get_freeze_count() == frozen  # the inner block did not unfreeze the outer one


def test_a_disabled_collector_is_left_alone(clean_gc):
    gc.disable()
    with _heap.heap_frozen() as froze:
        assert froze == "left"
        assert gc.get_freeze_count() == 0
    assert not gc.isenabled()


def test_nested_writers_unfreeze_once(clean_gc):
    @_heap.frozen_heap
    def inner():
        return gc.get_freeze_count()

    @_heap.frozen_heap
    def outer():
        count = inner()
        assert gc.get_freeze_count() == count > 0  # the inner writer kept the outer freeze
        return count

    assert outer() > 0
    assert gc.get_freeze_count() == 0


@pytest.mark.parametrize(
    "writer", [write_maps, write_area_reports, write_lagesbild, write_risk_factors]
)
def test_the_set_writers_run_frozen(writer):
    # the writer's body runs inside heap_frozen (staged_writer wraps the frozen writer)
    inner = writer.__wrapped__
    assert inner.__code__ is _heap.frozen_heap(lambda: None).__code__


def _in_fork_worker(state):
    """What a writer's freeze does in a fork_map worker, and what stays frozen after it."""
    inherited = state  # an object the parent made before forking
    inherited_frozen = not _collected(inherited)
    made = [[]]  # computed in the worker before the writer
    with _heap.heap_frozen() as froze:
        during = not _collected(made)
    return froze, inherited_frozen, during, not _collected(made), not _collected(inherited)


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs fork")
def test_in_a_forked_worker_the_freeze_stays(clean_gc, monkeypatch):
    monkeypatch.setenv("TRYGGAPLATSER_PROCESSES", "2")
    inherited = [{"x": 1}]
    results = _parallel.fork_map(_in_fork_worker, [(), ()], inherited)
    for froze, inherited_frozen, during, after, still_inherited in results:
        assert froze == "frozen for the worker"
        assert inherited_frozen and during and after and still_inherited
    # the parent gets its objects back (fork_map's own freeze ends with its workers)
    assert gc.get_freeze_count() == 0
    assert _collected(inherited)
