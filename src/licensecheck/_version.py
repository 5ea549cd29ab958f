"""The tool's version, in a module of its own so that every layer may import it."""

__version__ = "0.1.0"

#: Where people learn about the tool (SARIF ``informationUri``). The README's placeholder
#: address of this repository, kept in one place so that publishing changes one line.
HOMEPAGE = "https://example.com/OWNER/licensecheck"
