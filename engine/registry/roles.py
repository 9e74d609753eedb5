from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LanePolicy:
    """How lanes map to roles. Given by the application (the city's roles), not by the engine. A lane's `role`
    property (written by the model editor) names its role code; a lane without one is mapped by its name.

    `roles` maps a role code to the lane names that mean it (the code itself always does);
    `system_role` is the role of lanes holding only automatic work (no user task may sit there).
    """

    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    system_role: str = "system"

    def role_for_lane(self, lane_name: str | None) -> str | None:
        if lane_name is None:
            return None
        wanted = lane_name.strip().casefold()
        for code, aliases in self.roles.items():
            if wanted == code.casefold() or wanted in (a.casefold() for a in aliases):
                return code
        return None

    def role_for(self, lane_name: str | None, declared_role: str | None = None) -> str | None:
        """The role of a lane: the role its `role` property declares when it has one (only a role code counts;
        None for an unknown one), else the role its name means."""
        if declared_role is not None:
            wanted = declared_role.strip().casefold()
            return next((code for code in self.roles if code.casefold() == wanted), None)
        return self.role_for_lane(lane_name)

    def describe(self) -> str:
        return "、".join(f"{code}（{'・'.join(aliases)}）" if aliases else code for code, aliases in self.roles.items())
