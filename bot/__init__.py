"""Entry point, configuration, composition and channels of the public-services assistant."""
