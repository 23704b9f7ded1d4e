"""DVT_ARTIFACT_STORE: a local folder (the default) or s3://bucket/prefix; anything else stops DVT at startup
with a line that says what is wrong and never repeats the value (it might hold a credential)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from dvt.adapters.artifacts.s3 import S3Connection
from dvt.config import S3Location, Settings
from tests.conftest import ROOT


@pytest.mark.parametrize(
    ("value", "location"),
    [
        ("/srv/dvt/artifacts", Path("/srv/dvt/artifacts")),
        ("file:///srv/dvt/artifacts", Path("/srv/dvt/artifacts")),
        ("s3://dvt-artifacts", S3Location("dvt-artifacts", "")),
        ("s3://dvt-artifacts/prod/eu/", S3Location("dvt-artifacts", "prod/eu")),
        ("s3://my.bucket-1//a//b", S3Location("my.bucket-1", "a/b")),
    ],
)
def test_a_well_formed_store_names_its_place(value: str, location: Path | S3Location) -> None:
    assert Settings(artifact_store=value).artifact_location == location


def test_no_store_is_the_data_dirs_artifacts_folder_and_the_older_name_still_works(tmp_path: Path) -> None:
    assert Settings(data_dir=tmp_path).artifact_location == tmp_path / "artifacts"
    assert Settings(artifact_store_url="file:///srv/x").artifact_root == Path("/srv/x")


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("ftp://host/path", "not a 'ftp' URL"),
        ("s3://", "bucket name"),
        ("s3://Upper_Case/x", "bucket name"),
        ("s3://ab", "bucket name"),
        ("s3://bucket:9000/x", "no port"),
        ("s3://bucket/x?region=eu", "no port, query"),
        ("s3://bucket/a/../b", "'..'"),
        ("s3://AKIAEXAMPLE:hunter2-secret@bucket/x", "must not hold credentials"),
    ],
)
def test_a_malformed_store_is_refused_saying_why(value: str, problem: str) -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(artifact_store=value)
    assert problem in str(refused.value)
    assert "hunter2" not in str(refused.value)


def test_dvt_serve_stops_at_once_on_a_malformed_store(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DVT_")}
    env.update(DVT_DATA_DIR=str(tmp_path), DVT_ARTIFACT_STORE="s3://key:hunter2-secret@bucket/prefix")
    done = subprocess.run(
        [sys.executable, "-c", "from dvt.cli import main; main()", "serve"],
        env=env, capture_output=True, text=True, timeout=60, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: DVT_ARTIFACT_STORE: Value error, the artifact store's URL must not hold credentials:"
        " set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
    ]
    assert "hunter2" not in done.stdout + done.stderr


def test_the_s3_connection_reads_the_usual_aws_variables() -> None:
    specific = S3Connection.from_environment(
        {
            "AWS_ENDPOINT_URL": "http://general:8333",
            "AWS_ENDPOINT_URL_S3": "http://s3-only:8333",
            "AWS_DEFAULT_REGION": "eu-west-1",
            "AWS_REGION": "eu-central-1",
            "AWS_ACCESS_KEY_ID": "id",
            "AWS_SECRET_ACCESS_KEY": "hunter2-secret",
        }
    )
    assert (specific.endpoint, specific.region, specific.access_key_id) == ("http://s3-only:8333", "eu-central-1", "id")
    fallback = S3Connection.from_environment(
        {"AWS_ENDPOINT_URL": "http://general:8333", "AWS_DEFAULT_REGION": "eu-west-1"}
    )
    assert (fallback.endpoint, fallback.region, fallback.secret_access_key) == (
        "http://general:8333",
        "eu-west-1",
        None,
    )
    assert S3Connection.from_environment({}).region == "us-east-1"  # what S3-compatible servers expect
    assert "hunter2" not in repr(specific) and "hunter2" not in str(specific)
