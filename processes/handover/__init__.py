"""The handover to the next contractor (spec 14): every case and its state, the open work, the records, the models
and the accounts in open formats (CSV with a BOM, JSON, the model files), a Japanese README, a manifest of counts and
checksums; personal data only in an archive sealed to the receiving side's key."""
