"""The embedded SQLite database, with writers that wait their turn (see base.py)."""
