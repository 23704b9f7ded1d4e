"""Why a run could not get as far as starting dbt."""

from __future__ import annotations


class RunnerSetupError(Exception):
    """The workspace could not be prepared; the message is for people and holds no secret value."""


class CheckoutError(RunnerSetupError):
    pass


class ProfileError(RunnerSetupError):
    pass


class ProjectFileError(RunnerSetupError):
    pass


class ProcessStartError(RunnerSetupError):
    pass
