"""The solver's banner is kept off stdout, and stdout is whole again afterwards, even when
blocks are solved in several threads at once."""

import os
import threading

from optimizer.purchasing.solver import _banner_silenced


def test_stdout_is_restored_after_concurrent_silencing():
    before = os.fstat(1)
    barrier = threading.Barrier(4)

    def silence() -> None:
        barrier.wait()
        for _ in range(50):
            with _banner_silenced():
                pass

    threads = [threading.Thread(target=silence) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    after = os.fstat(1)
    assert (after.st_dev, after.st_ino) == (before.st_dev, before.st_ino)
