"""models: which weights fill each role (profiles, resolution), how they load, and the registry
the stages receive (`Models`)."""

from creative.models.profiles import Profile, Role, load_profile
from creative.models.registry import Models, RoleUnavailableError

__all__ = ["Models", "Profile", "Role", "RoleUnavailableError", "load_profile"]
