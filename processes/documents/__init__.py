"""Municipal forms: docxtpl templates filled from the case, PDF conversion, the visit's print packet."""
