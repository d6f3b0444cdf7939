"""gaf.bulk: the cyclic garbage collector kept off during a round's bulk work."""

import gc
import threading

import pytest

from gaf.bulk import gc_paused


def test_the_collector_is_off_inside_and_back_on_after():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer use is not over yet
    assert gc.isenabled()


def test_a_collector_turned_off_by_someone_else_stays_off():
    gc.disable()
    try:
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_back_on_after_an_error_and_as_a_decorator():
    @gc_paused()
    def fails():
        assert not gc.isenabled()
        raise ValueError

    with pytest.raises(ValueError):
        fails()
    assert gc.isenabled()


def test_threads_overlapping_leave_it_on_when_the_last_one_ends():
    inside, release = threading.Event(), threading.Event()

    def worker():
        with gc_paused():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=worker)
    thread.start()
    inside.wait(5)
    with gc_paused():
        pass
    assert not gc.isenabled()  # the thread's use goes on
    release.set()
    thread.join(5)
    assert gc.isenabled()
