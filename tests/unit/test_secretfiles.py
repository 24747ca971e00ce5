"""Secret files readable by group or others are refused, as ssh refuses an open private key."""

from __future__ import annotations

from pathlib import Path

import pytest

from rjmail.secretfiles import InsecureSecretFileError, read_private


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660, 0o606])
def test_group_or_other_bits_are_refused_naming_the_mode_and_file(tmp_path: Path, mode: int) -> None:
    secret = tmp_path / "signing-key"
    secret.write_text("s3cret\n")
    secret.chmod(mode)
    with pytest.raises(InsecureSecretFileError, match=f"permissions {mode:04o} for {secret} are too open"):
        read_private(secret)


@pytest.mark.parametrize("mode", [0o600, 0o400])
def test_owner_only_files_are_read_and_stripped(tmp_path: Path, mode: int) -> None:
    secret = tmp_path / "password"
    secret.write_text("s3cret\n")
    secret.chmod(mode)
    assert read_private(secret) == "s3cret"
