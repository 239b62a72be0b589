"""What a scan for a user would read: every row of every table, as text."""

import sqlalchemy as sa


def every_row(url: str) -> str:
    """Every row of every table, Rasa's events included, one line each."""
    engine = sa.create_engine(url)
    rows = []
    with engine.connect() as connection:
        for name in sa.inspect(connection).get_table_names():
            table = sa.Table(name, sa.MetaData(), autoload_with=connection)
            rows += [f"{name} {tuple(r)!r}" for r in connection.execute(table.select())]
    engine.dispose()
    return "\n".join(rows)
