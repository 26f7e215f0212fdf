"""An import-linter contract type for what the built-in layers contract cannot say (see `.importlinter`).

`portal_interfaces` checks every direct import between the project's apps:

- across apps, only another app's public modules are imported: `models`, `rules`, `selectors`, `services` (and
  their submodules), the access layer (`members.access`) and the few foundations listed with it in `.importlinter`;
  everything else in an app is its own business;
- within and across apps, a domain module (anything that is not the web layer) never imports a web module (views,
  forms, urls, admin, template tags, management commands, context processors): the web layer sits above every
  domain layer, never below one.

Only lint-imports imports this module (import-linter is a development requirement).
"""

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output


def _parts(module: str) -> list[str]:
    return module.split(".")


class PortalInterfacesContract(Contract):
    """Apps reach each other through their public modules only; domain modules never import the web layer.

    Options: `apps` (top-level packages checked), `public` (module names another app may import), `access` (full
    module names importable from anywhere: the access layer and the foundations), `web` (module names of the web
    layer; a module is web when any part of its name is one of them).
    """

    type_name = "portal_interfaces"

    apps = fields.ListField(subfield=fields.StringField())
    public = fields.ListField(subfield=fields.StringField())
    access = fields.ListField(subfield=fields.StringField())
    web = fields.ListField(subfield=fields.StringField())

    def _is_web(self, module: str) -> bool:
        return any(part in self.web for part in _parts(module)[1:])  # type: ignore[operator]

    def _is_access(self, module: str) -> bool:
        return any(module == name or module.startswith(name + ".") for name in self.access)  # type: ignore[union-attr]

    def _is_public(self, module: str) -> bool:
        parts = _parts(module)
        return self._is_access(module) or (len(parts) > 1 and parts[1] in self.public)  # type: ignore[operator]

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        apps = set(self.apps)  # type: ignore[arg-type]
        problems: list[str] = []
        for importer in sorted(graph.modules):
            importer_app = _parts(importer)[0]
            if importer_app not in apps:
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                imported_app = _parts(imported)[0]
                if imported_app not in apps:
                    continue
                lines = ", ".join(
                    str(detail["line_number"])
                    for detail in graph.get_import_details(importer=importer, imported=imported)
                )
                where = f"{importer} -> {imported} (l. {lines})"
                if imported_app != importer_app and not self._is_public(imported):
                    problems.append(f"{where}: another app's private module")
                if not self._is_web(importer) and self._is_web(imported) and not self._is_access(importer):
                    problems.append(f"{where}: a domain module imports the web layer")
        return ContractCheck(kept=not problems, metadata={"problems": problems})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for problem in check.metadata["problems"]:
            output.print_error(f"- {problem}", bold=False)
        output.new_line()
