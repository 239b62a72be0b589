"""The team view: aggregated figures for coaches, never one person's.

access.py says who is a coach and how large a group must be before its figures
are shown; figures.py aggregates the stored advice and rehearsal rows into
weekly figures with small groups suppressed; export.py writes them as CSV;
content.py reads the labels (content/team.yml). The routes are in
overstag/channels/team.py (the page) and overstag/api/team.py (/api/v1).
"""
