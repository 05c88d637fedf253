"""agent.files.atomic: the order of the steps that make a write survive a crash, and what a crash leaves.

A write is durable and atomic only if the new bytes are on disk (written,
flushed, fsynced) and carry their final mode *before* the rename puts them
under the file's name, and the folder is fsynced *after* it, so the rename
itself survives a power cut. The first test records every step as it
happens and checks that order; the others crash at each step with new
content and check that the old file is still whole.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from agent.files import atomic

OLD, NEW = b"old state: 1 break\n", b"new state: 2 breaks, 1 postponed\n"


class Recorder:
    """Wraps the os calls atomic uses and logs each one, with what it acted on, in `steps`."""

    def __init__(self, monkeypatch) -> None:
        self.steps: list[tuple] = []
        real_fdopen, real_fsync, real_replace = os.fdopen, os.fsync, os.replace
        real_fchmod, real_chmod = getattr(os, "fchmod", None), os.chmod
        recorder = self

        def fdopen(fd, mode="r", *args, **kwargs):
            file = real_fdopen(fd, mode, *args, **kwargs)
            return Spy(file, recorder)

        def fsync(fd):
            what = "folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file"
            self.steps.append(("fsync", what, self._bytes_of(fd) if what == "file" else None))
            return real_fsync(fd)

        def replace(source, target):
            self.steps.append(("replace", Path(source).parent == Path(target).parent, Path(target)))
            return real_replace(source, target)

        def fchmod(fd, mode):
            self.steps.append(("chmod", mode))
            return real_fchmod(fd, mode)

        def chmod(path, mode, *args, **kwargs):
            self.steps.append(("chmod", mode))
            return real_chmod(path, mode, *args, **kwargs)

        monkeypatch.setattr(os, "fdopen", fdopen)
        monkeypatch.setattr(os, "fsync", fsync)
        monkeypatch.setattr(os, "replace", replace)
        monkeypatch.setattr(os, "chmod", chmod)
        if real_fchmod is not None:
            monkeypatch.setattr(os, "fchmod", fchmod)

    @staticmethod
    def _bytes_of(fd: int) -> bytes:
        return os.pread(fd, 1 << 16, 0)

    def names(self) -> list[str]:
        return [step[0] for step in self.steps]


class Spy:
    """A file object whose write and flush are recorded; everything else goes to the real file."""

    def __init__(self, file, recorder: Recorder) -> None:
        self._file, self._recorder = file, recorder

    def write(self, data):
        self._recorder.steps.append(("write", bytes(data)))
        return self._file.write(data)

    def flush(self):
        self._recorder.steps.append(("flush", self._recorder._bytes_of(self._file.fileno())))
        return self._file.flush()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self._file.__exit__(*exc)

    def __getattr__(self, name):
        return getattr(self._file, name)


def test_steps_run_in_the_order_that_survives_a_crash(tmp_path, monkeypatch):
    target = tmp_path / "state.json"
    target.write_bytes(OLD)
    recorder = Recorder(monkeypatch)
    atomic.write_bytes(target, NEW, mode=0o640)
    steps = recorder.steps
    names = recorder.names()
    assert names.count("replace") == 1 and names.count("write") == 1, steps
    write, flush, chmod, replace = (names.index(n) for n in ("write", "flush", "chmod", "replace"))
    file_sync = names.index("fsync")
    folder_syncs = [i for i, step in enumerate(steps) if step[:2] == ("fsync", "folder")]
    assert folder_syncs, f"the folder is never fsynced, so the rename may not survive a power cut: {names}"
    folder_sync = folder_syncs[-1]
    assert steps[write] == ("write", NEW)
    assert write < flush < file_sync < replace, f"the bytes must be on disk before the rename: {names}"
    assert steps[file_sync][1:] == ("file", NEW), "the fsync must be of the temporary file, holding the new bytes"
    assert chmod < replace, f"the mode must be set before the file appears under its name: {names}"
    assert steps[chmod] == ("chmod", 0o640)
    assert steps[replace][1:] == (True, target), "the temporary file is in the same folder (a rename, not a copy)"
    assert replace < folder_sync, f"the folder is fsynced after the rename, making it durable: {names}"
    assert target.read_bytes() == NEW
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_without_a_mode_the_file_is_private_and_nothing_is_chmodded(tmp_path, monkeypatch):
    target = tmp_path / "new" / "deeper" / "state.json"  # folders are made as needed
    recorder = Recorder(monkeypatch)
    old = os.umask(0)
    try:
        atomic.write_text(target, "ünïcode ✓\n")
    finally:
        os.umask(old)
    assert "chmod" not in recorder.names()
    assert target.read_bytes() == "ünïcode ✓\n".encode("utf-8")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # mkstemp's mode, whatever the umask
    assert [p.name for p in target.parent.iterdir()] == ["state.json"]


def test_the_temporary_file_is_hidden_next_to_the_target(tmp_path, monkeypatch):
    seen = []
    real_replace = os.replace

    def spy(source, target):
        seen.append(Path(source))
        assert Path(source).read_bytes() == NEW  # complete before it lands
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", spy)
    atomic.write_bytes(tmp_path / "state.json", NEW)
    [source] = seen
    assert source.parent == tmp_path
    assert source.name.startswith(".state.json.") and source.name.endswith(".tmp")


@pytest.mark.parametrize("step", ["write", "flush", "fsync", "chmod", "replace"])
@pytest.mark.parametrize("crash", [KeyboardInterrupt, OSError])
def test_a_crash_at_any_step_leaves_the_old_file_whole_and_no_debris(tmp_path, monkeypatch, step, crash):
    target = tmp_path / "state.json"
    target.write_bytes(OLD)
    target.chmod(0o600)
    recorder = Recorder(monkeypatch)
    steps = recorder.steps

    def dying(*args, **kwargs):
        raise crash(28, "No space left on device") if crash is OSError else crash()

    if step in ("fsync", "replace", "chmod"):
        monkeypatch.setattr(os, "fchmod" if step == "chmod" else step, dying)
    else:
        monkeypatch.setattr(Spy, step, lambda self, *args: dying())
    with pytest.raises(crash):
        atomic.write_bytes(target, NEW, mode=0o644)
    assert target.read_bytes() == OLD, f"the old file is not whole after a crash at {step} ({steps})"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"], "the temporary file is left behind"


def test_a_folder_that_cannot_be_fsynced_still_gets_the_file(tmp_path, monkeypatch):
    """Some systems (Windows) cannot open a folder: the rename is done, only its durability is best effort."""
    real_open = os.open

    def no_folders(path, flags, *args, **kwargs):
        if Path(path) == tmp_path:
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", no_folders)
    atomic.write_bytes(tmp_path / "state.json", NEW)
    assert (tmp_path / "state.json").read_bytes() == NEW


def test_the_folder_descriptor_is_closed_even_when_its_fsync_fails(tmp_path, monkeypatch):
    opened, closed = [], []
    real_open, real_close, real_fsync = os.open, os.close, os.fsync

    def track_open(path, flags, *args, **kwargs):
        fd = real_open(path, flags, *args, **kwargs)
        if Path(path) == tmp_path:
            opened.append(fd)
        return fd

    def track_close(fd):
        closed.append(fd)
        return real_close(fd)

    def folder_fails(fd):
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(22, "Invalid argument")  # e.g. a file system that cannot sync folders
        return real_fsync(fd)

    monkeypatch.setattr(os, "open", track_open)
    monkeypatch.setattr(os, "close", track_close)
    monkeypatch.setattr(os, "fsync", folder_fails)
    atomic.write_bytes(tmp_path / "state.json", NEW)
    assert (tmp_path / "state.json").read_bytes() == NEW
    assert opened and set(opened) <= set(closed), "the folder's descriptor leaked"


def test_a_mode_is_set_without_fchmod_as_on_windows(tmp_path, monkeypatch):
    monkeypatch.delattr(os, "fchmod")
    atomic.write_bytes(tmp_path / "entry.desktop", b"[Desktop Entry]\n", mode=0o644)
    assert (tmp_path / "entry.desktop").stat().st_mode & 0o777 == 0o644


def test_text_is_written_as_utf8_with_the_mode_asked_for(tmp_path):
    atomic.write_text(tmp_path / "entry.desktop", "Name=Upright — pause\n", mode=0o644)
    assert (tmp_path / "entry.desktop").read_bytes() == "Name=Upright — pause\n".encode("utf-8")
    assert stat.S_IMODE((tmp_path / "entry.desktop").stat().st_mode) == 0o644


def test_when_the_cleanup_fails_too_the_first_error_is_the_one_raised(tmp_path, monkeypatch):
    """A full disk, then a temp file that cannot be removed: the caller hears of the full disk."""
    def full(*_args):
        raise OSError(28, "No space left on device")

    def stuck(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", full)
    monkeypatch.setattr(os, "unlink", stuck)
    with pytest.raises(OSError) as raised:
        atomic.write_bytes(tmp_path / "state.json", NEW)
    assert raised.value.errno == 28


def test_only_our_own_leftovers_are_removed(tmp_path):
    ours = tmp_path / ".exercises.json.k2j3.tmp"
    ours.write_text("{")
    other = tmp_path / ".notes.txt.k2j3.tmp"
    other.write_text("someone else's")
    target = tmp_path / "precious"
    target.write_text("keep")
    link = tmp_path / ".checklists.json.zz.tmp"
    os.symlink(target, link)
    removed = atomic.remove_leftovers(tmp_path, ["checklists.json", "exercises.json"])
    assert removed == [ours]
    assert other.exists() and target.read_text() == "keep" and link.is_symlink()
    saving = tmp_path / ".config.toml.a1.tmp"
    saving.write_text("[breaks]")
    assert atomic.remove_leftovers(tmp_path, ["config.toml"], older_than_s=600) == [] and saving.exists()
    os.utime(saving, (time.time() - 601, time.time() - 601))
    assert atomic.remove_leftovers(tmp_path, ["config.toml"], older_than_s=600) == [saving]


def _old(path: Path) -> Path:
    """A leftover from a crash long ago (a half-written file, made if not there)."""
    if not os.path.lexists(path):
        path.write_text("{")
    os.utime(path, (time.time() - 3600, time.time() - 3600), follow_symlinks=False)
    return path


def _with_ours_after(folder: Path, name: str, skipped: list[Path]) -> list[Path]:
    """Leftovers of ours, made until each skipped entry is followed by one of ours in the folder's
    own listing order, so a scan that stopped at a skipped entry would miss some (any file system:
    creation order, newest first or hashed)."""
    ours = []

    def add():
        ours.append(_old(folder / f".{name}.ours{len(ours)}.tmp"))

    for _ in range(3):
        add()
    for _ in range(200):
        listing = list(folder.glob(f".{name}.*.tmp"))
        if all(any(later in ours for later in listing[listing.index(entry) + 1:]) for entry in skipped):
            return ours
        add()
    raise AssertionError("could not place a leftover of ours after each skipped entry")


def test_entries_that_are_not_our_plain_old_leftovers_are_kept_and_the_scan_goes_on(tmp_path):
    """A folder, a fifo, a link, another user's file or a save in progress under a leftover's name is
    left alone, and what comes after it in the folder is still cleaned."""
    name = "state.json"
    early = [_old(tmp_path / f".{name}.early{number}.tmp") for number in range(3)]
    fifo = tmp_path / f".{name}.fifo.tmp"
    os.mkfifo(fifo)
    folder = tmp_path / f".{name}.dir.tmp"
    folder.mkdir()
    link = tmp_path / f".{name}.link.tmp"
    link.symlink_to(tmp_path / "elsewhere")
    for entry in (fifo, folder, link):
        _old(entry)  # old enough: kept for what they are, not for their age
    saving = tmp_path / f".{name}.saving.tmp"
    saving.write_text("{")  # written a moment ago
    skipped = [fifo, folder, link, saving]
    if os.geteuid() == 0:  # only root can hand a file to another user (CI runs as root)
        theirs = _old(tmp_path / f".{name}.theirs.tmp")
        os.chown(theirs, 65534, 65534)
        skipped.append(theirs)
    ours = _with_ours_after(tmp_path, name, skipped) + early
    removed = atomic.remove_leftovers(tmp_path, [name], older_than_s=600)
    assert sorted(removed) == sorted(ours)
    assert all(os.path.lexists(entry) for entry in skipped)
    assert not any(path.exists() for path in ours)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="needs root to give a file to another user")
def test_another_users_leftover_is_kept(tmp_path):
    theirs = tmp_path / ".state.json.x.tmp"
    theirs.write_text("{")
    os.chown(theirs, 65534, 65534)
    assert atomic.remove_leftovers(tmp_path, ["state.json"]) == [] and theirs.exists()


def test_a_leftover_removed_by_someone_else_mid_scan_does_not_stop_it(tmp_path, monkeypatch):
    """Two agents starting at once (the lock decides which one runs) may both scan: the one that
    finds a leftover already gone goes on with the rest. The race is set up by listing a name
    that no longer exists ahead of a real one."""
    gone = tmp_path / ".state.json.gone.tmp"
    real = tmp_path / ".state.json.real.tmp"
    real.write_text("{")
    listing = Path.glob
    monkeypatch.setattr(Path, "glob", lambda self, pattern: iter([gone, *listing(self, pattern)]))
    assert atomic.remove_leftovers(tmp_path, ["state.json"]) == [real] and not real.exists()
