def association_page_context(page, *, user):
    return {}
