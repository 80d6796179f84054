from .elements import *  # noqa: F403
