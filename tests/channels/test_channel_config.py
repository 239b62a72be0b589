"""Which channels the launcher switches on, decided by environment variables alone."""

import yaml

from overstag import launcher, settings

CHANNEL_VARS = (
    "OVERSTAG_SLACK_BOT_TOKEN",
    "OVERSTAG_SLACK_SIGNING_SECRET",
    "OVERSTAG_TEAMS_APP_ID",
    "OVERSTAG_TEAMS_APP_PASSWORD",
    "OVERSTAG_TEAMS_TENANT_ID",
    "OVERSTAG_TEAMS_BUTTONS",
)


def clean(monkeypatch, tmp_path):
    for name in CHANNEL_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OVERSTAG_DATA_DIR", str(tmp_path))


def test_nothing_set_means_the_committed_channels_only(monkeypatch, tmp_path):
    clean(monkeypatch, tmp_path)
    assert settings.channel_problems() == []
    written = yaml.safe_load(launcher.runtime_credentials().read_text())
    assert written == yaml.safe_load((settings.ROOT / "credentials.yml").read_text())
    assert "overstag.api.v1.AdviceApiInput" in written
    assert (
        launcher.SLACK_CHANNEL not in written and launcher.TEAMS_CHANNEL not in written
    )


def test_set_variables_add_their_channel_without_writing_secrets(monkeypatch, tmp_path):
    clean(monkeypatch, tmp_path)
    secrets = {
        "OVERSTAG_SLACK_BOT_TOKEN": "xoxb-secret-1",
        "OVERSTAG_SLACK_SIGNING_SECRET": "secret-2",
        "OVERSTAG_TEAMS_APP_ID": "app-id-3",
        "OVERSTAG_TEAMS_APP_PASSWORD": "secret-4",
        "OVERSTAG_TEAMS_TENANT_ID": "tenant-5",
    }
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    path = launcher.runtime_credentials()
    written = yaml.safe_load(path.read_text())
    assert launcher.SLACK_CHANNEL in written and launcher.TEAMS_CHANNEL in written
    assert not any(value in path.read_text() for value in secrets.values())


def test_half_configured_channels_stop_the_launcher(monkeypatch, tmp_path, capsys):
    clean(monkeypatch, tmp_path)
    monkeypatch.setenv("OVERSTAG_SLACK_BOT_TOKEN", "xoxb-only-the-token")
    monkeypatch.setenv("OVERSTAG_TEAMS_APP_PASSWORD", "only-the-password")
    problems = settings.channel_problems()
    assert any("OVERSTAG_SLACK_SIGNING_SECRET" in p for p in problems)
    assert any("OVERSTAG_TEAMS_APP_ID" in p for p in problems)
    assert launcher.main(["--timeout", "1"]) == 2  # refuses before starting anything
    assert "OVERSTAG_SLACK_SIGNING_SECRET" in capsys.readouterr().err


def test_advice_api_tokens(monkeypatch, tmp_path):
    clean(monkeypatch, tmp_path)
    monkeypatch.delenv("OVERSTAG_ADVICE_API_TOKEN", raising=False)
    generated = settings.advice_api_tokens()
    assert len(generated) == 1 and len(generated[0]) >= 24
    assert settings.advice_api_tokens() == generated  # kept in the data dir
    assert (tmp_path / "advice-api-token").stat().st_mode & 0o077 == 0
    monkeypatch.setenv("OVERSTAG_ADVICE_API_TOKEN", " new , old ,")
    assert settings.advice_api_tokens() == ["new", "old"]
