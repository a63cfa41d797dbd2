def register(router):
    """Register this part's viewsets on the API router."""


extra_urls = []
