"""Prints the requirements that the packages in a folder have on some Python >= 3.10 but
that are not in the folder, one a line.

`pip install --python-version` picks wheels for that version but still judges environment
markers (`tomli; python_version < "3.11"`) by the Python that runs pip.
"""

import sys
from importlib.metadata import distributions

try:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
except ImportError:  # pip always carries a copy
    from pip._vendor.packaging.requirements import Requirement
    from pip._vendor.packaging.utils import canonicalize_name

PYTHONS = ["3.10", "3.11", "3.12", "3.13", "3.14"]


def needed_somewhere(requirement: Requirement) -> bool:
    if requirement.marker is None:
        return True
    return any(
        requirement.marker.evaluate(
            {"python_version": version, "python_full_version": f"{version}.0", "extra": ""}
        )
        for version in PYTHONS
    )


def missing(folder: str) -> list[str]:
    installed = list(distributions(path=[folder]))
    present = {canonicalize_name(dist.metadata["Name"]) for dist in installed}
    wanted: dict[str, str] = {}
    for dist in installed:
        for text in dist.requires or []:
            requirement = Requirement(text)
            name = canonicalize_name(requirement.name)
            if name not in present and needed_somewhere(requirement):
                requirement.marker = None
                wanted[name] = str(requirement)
    return sorted(wanted.values())


if __name__ == "__main__":
    for line in missing(sys.argv[1]):
        print(line)
