"""What may cross to the internet side (the α model's one-way export): public fields only, never personal data,
editors' names, revisions or search logs. `export.PARTS` lists what `okuyami public export` writes; later parts
(the navi, free slots) join that list."""
