import { InventoryAndDependencyMap1764320000000 } from './1764320000000-inventory-and-dependency-map';

/** Every migration, oldest first. A new migration file is added here too. */
export const migrations = [InventoryAndDependencyMap1764320000000];
