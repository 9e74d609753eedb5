from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LanePolicy:
    """How lane names map to roles. Given by the application (the city's roles), not by the engine.

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

    def describe(self) -> str:
        return "、".join(f"{code}（{'・'.join(aliases)}）" if aliases else code for code, aliases in self.roles.items())
