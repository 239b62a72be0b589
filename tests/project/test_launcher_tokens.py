"""A generated token may start with "-": Rasa must still read it as the token."""

from overstag import launcher


def test_a_token_starting_with_a_dash_is_passed_as_one_argument(monkeypatch, tmp_path):
    from rasa.__main__ import create_argument_parser

    monkeypatch.setenv("OVERSTAG_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("OVERSTAG_API_TOKEN", "-Ab3_x")
    monkeypatch.setenv("OVERSTAG_STOCK_RASA", "1")
    command = launcher.commands("models/overstag.tar.gz", "--quiet")["rasa"]
    parsed = create_argument_parser().parse_args(command[3:])
    assert parsed.auth_token == "-Ab3_x"
