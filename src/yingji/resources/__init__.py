"""Emergency resources: rescue teams, experts, equipment, warehouses, materials and stock, shelters."""
