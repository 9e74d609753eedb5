"""The process owner's studio: the model library, the BPMN, DMN and catalogue editors, example interviews, case
migration and the form templates."""
from web.studio import case_migration, catalogue_editor, form_templates, model_editor, model_examples, model_library

BLUEPRINTS = [
    model_library.bp,
    model_editor.bp,
    catalogue_editor.bp,
    model_examples.bp,
    case_migration.bp,
    form_templates.bp,
]
