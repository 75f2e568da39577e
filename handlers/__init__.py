"""One module per feature; each exports its commands, actions and forms as a Feature."""
