enum CrierCLIPlaceholder {}
