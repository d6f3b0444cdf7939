"""Pages of the tables (only tables.urls imports them).

Views are thin: they find the object and ask tables.rules (whoever may not see a table,
meeting or proposal gets 404, exactly as if it did not exist), parse the form, call one
service, and render. A service's refusal is shown on the page it came from, with 400 for
bad input, 409 when the state refuses it (tables.services.Conflict) and 403 for a person
without the right; nothing is half-saved.
"""
