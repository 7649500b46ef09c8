"""One atomic writer for every file the package writes, and careful reading.

`save` (models), `Animation.save` (players) and the command line's files all
go through `autograd_mini._files`: a unique temporary file in the target's
folder renamed over the target, so readers see the old file or the new one.
What is at the path is respected: a symlink is written through to its target,
an existing file keeps its permissions, and a directory, FIFO or device is
refused with an error naming the user's path (never the temporary one).
`load` refuses a special file or a file over `MAX_MODEL_BYTES` before reading.
"""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from autograd_mini import Value, load, save
from autograd_mini._files import write_atomic
from autograd_mini.nn import MLP
from autograd_mini.serialization import MAX_MODEL_BYTES
from autograd_mini.viz import animate

Writer = Callable[[Path], None]


def save_model(path: Path) -> None:
    save(MLP(2, [2, 1], seed=0), path)


def write_text(path: Path) -> None:
    write_atomic(path, "new content\n", "test")


def save_player(path: Path) -> None:
    x = Value(2.0, label="x")
    animate(x * x).save(path)


WRITERS = {"save": save_model, "write_atomic": write_text, "Animation.save": save_player}


def leftovers(folder: Path, *keep: str) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


@pytest.fixture(
    params=[
        pytest.param(name, marks=[pytest.mark.exe] if name == "Animation.save" else [])
        for name in WRITERS
    ]
)
def writer(request: pytest.FixtureRequest) -> Writer:
    return WRITERS[request.param]


def test_a_symlink_is_written_through_to_its_target(tmp_path: Path, writer: Writer) -> None:
    target = tmp_path / "real" / "model.json"
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    writer(link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() != "old" and link.read_text() == target.read_text()
    assert leftovers(tmp_path, "real", "link.json") == []
    assert leftovers(target.parent, "model.json") == []


def test_a_dangling_symlink_creates_its_target(tmp_path: Path, writer: Writer) -> None:
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "made.json")
    writer(link)
    assert link.is_symlink() and (tmp_path / "made.json").is_file()


def test_an_existing_file_keeps_its_permissions(tmp_path: Path, writer: Writer) -> None:
    path = tmp_path / "private.json"
    path.write_text("old")
    path.chmod(0o600)
    writer(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.chmod(0o640)
    writer(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_new_file_gets_the_mode_of_a_plain_open(tmp_path: Path, writer: Writer) -> None:
    mask = os.umask(0o027)
    try:
        writer(tmp_path / "fresh.json")
    finally:
        os.umask(mask)
    assert stat.S_IMODE((tmp_path / "fresh.json").stat().st_mode) == 0o640


def test_a_fifo_is_refused_without_waiting_for_a_reader(tmp_path: Path, writer: Writer) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match=r"pipe\.json.*not a regular file"):
        writer(fifo)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert leftovers(tmp_path, "pipe.json") == []


def test_a_symlink_to_a_fifo_is_refused(tmp_path: Path, writer: Writer) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    (tmp_path / "link.json").symlink_to(fifo)
    with pytest.raises(OSError, match=r"link\.json.*not a regular file"):
        writer(tmp_path / "link.json")
    assert stat.S_ISFIFO(fifo.stat().st_mode) and (tmp_path / "link.json").is_symlink()


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_a_device_node_is_refused_and_left_alone(tmp_path: Path, writer: Writer) -> None:
    device = tmp_path / "null.json"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # like /dev/null
    with pytest.raises(OSError, match=r"null\.json.*not a regular file"):
        writer(device)
    assert stat.S_ISCHR(device.stat().st_mode)


def test_a_directory_is_refused(tmp_path: Path, writer: Writer) -> None:
    (tmp_path / "model.json").mkdir()
    with pytest.raises(IsADirectoryError, match=r"model\.json"):
        writer(tmp_path / "model.json")


def test_errors_name_the_users_path_never_the_temporary_file(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "m.json").write_text("old")
    folder.chmod(0o500)  # no new files in here (root ignores this; see below)
    try:
        if os.geteuid() == 0:
            pytest.skip("root may write into a read-only folder")
        with pytest.raises(PermissionError) as caught:
            save_model(folder / "m.json")
    finally:
        folder.chmod(0o700)
    assert "m.json" in str(caught.value) and ".tmp" not in str(caught.value)
    assert (folder / "m.json").read_text() == "old"


def test_a_failed_write_names_the_users_path_and_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "m.json").write_text("old")

    def disk_full(fd: int, data: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", disk_full)
    with pytest.raises(OSError) as caught:
        write_atomic(tmp_path / "m.json", "x" * 100, "save")
    monkeypatch.undo()
    message = str(caught.value)
    assert "m.json" in message and "No space left" in message and ".tmp" not in message
    assert (tmp_path / "m.json").read_text() == "old"
    assert leftovers(tmp_path, "m.json") == []


def test_a_planted_symlink_at_the_old_temporary_name_is_not_followed(
    tmp_path: Path, writer: Writer
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (tmp_path / ".out.json.tmp").symlink_to(victim)
    writer(tmp_path / "out.json")
    assert victim.read_text() == "keep me"


def test_a_name_of_255_characters_can_be_written(tmp_path: Path, writer: Writer) -> None:
    name = "m" * 250 + ".json"
    writer(tmp_path / name)
    assert (tmp_path / name).is_file()


def test_concurrent_writes_to_one_path_each_land_whole(tmp_path: Path) -> None:
    path = tmp_path / "shared.txt"
    texts = [f"{i}:" + str(i) * 200_000 for i in range(8)]
    errors: list[BaseException] = []

    def write(text: str) -> None:
        try:
            write_atomic(path, text, "test")
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=write, args=(t,)) for t in texts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert path.read_text() in texts  # one whole version, never a mix
    assert leftovers(tmp_path, "shared.txt") == []


# ----------------------------------------------------------------------------
# reading
# ----------------------------------------------------------------------------


def test_load_refuses_a_device_before_reading_it(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"/dev/zero.*not a regular file"):
        load("/dev/zero")


def test_load_refuses_a_fifo_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "model.json"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match=r"model\.json.*not a regular file"):
        load(fifo)


def test_load_refuses_a_file_over_the_size_limit_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with open(path, "wb") as f:
        f.truncate(MAX_MODEL_BYTES + 1)  # sparse: no disk used, nothing read
    with pytest.raises(ValueError, match=r"huge\.json.*larger than") as caught:
        load(path)
    assert len(str(caught.value)) < 300
    assert f"({MAX_MODEL_BYTES + 1:,})" in str(caught.value)  # told by its size, not by reading
    assert MAX_MODEL_BYTES >= 8 * 2**20  # room for an MLP far bigger than a lesson's
