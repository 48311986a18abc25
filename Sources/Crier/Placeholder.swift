enum CrierPlaceholder {}
