"""The coordinators' screens, one module per thing a coordinator does.

- groups: the group's page and settings, join requests, member roles, pickup points
- catalogue: suppliers, products, price lists
- rounds: creating and editing a draft, the round's page and its state changes, documents
- delivery: what was delivered, and the round's shared costs
- treasury: payments and balances, the Fondo Solidale

Each view fetches the object named in the URL and asks gaf.rules (404 when the rule says
no, so nothing leaks), parses the input with a form from gaf.forms_coordination, calls one
service of gaf.services and redirects; a refusal re-renders the page with status 400 and
the service's messages on the fields (hub.form_errors). Reads go through gaf.selectors,
each with a fixed number of queries; what the pages show is shaped by gaf.presentation.
Only gaf.urls_coordination imports these modules.
"""
