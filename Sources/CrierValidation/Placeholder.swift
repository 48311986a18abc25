enum CrierValidationPlaceholder {}
