/**
 * Prices and suppliers for the demo catalog, which the dataset lacks: plausible for each kind of
 * product and the same on every import (derived from the class id), so every filter and sort
 * has something to work on.
 */

const SUPPLIERS = ['Hemköp', 'ICA Grossist', 'Axfood Snabbgross', 'Menigo', 'Martin & Servera'] as const;

/** Price ranges in roubles (per kilogram for fruit and vegetables, per pack otherwise). */
const RANGES: [prefix: string, min: number, max: number][] = [
  ['Fruit / Apple', 119, 219],
  ['Fruit / Melon', 149, 349],
  ['Fruit', 119, 449],
  ['Vegetables / Potato', 39, 99],
  ['Vegetables / Onion', 39, 89],
  ['Vegetables', 69, 449],
  ['Packages / Juice', 129, 289],
  ['Packages / Milk', 79, 149],
  ['Packages', 89, 229],
];

/** A small deterministic scramble of the id (Knuth's multiplicative hash), 0 ≤ result < 1. */
function unit(id: number, salt: number): number {
  return (((id + 1) * 2654435761 + salt * 40503) % 4294967296) / 4294967296;
}

export function demoOffer(
  classId: number,
  category: string,
): { price: string; currency: string; supplier: string } {
  const [, min, max] = RANGES.find(([prefix]) => category === prefix || category.startsWith(`${prefix} /`)) ??
    RANGES.find(([prefix]) => category.startsWith(prefix)) ?? ['', 99, 299];
  // Shop prices end in ,90: 129,90 ₽
  const rubles = Math.floor(min + unit(classId, 1) * (max - min));
  return {
    price: `${rubles}.90`,
    currency: 'RUB',
    supplier: SUPPLIERS[Math.floor(unit(classId, 2) * SUPPLIERS.length)]!,
  };
}
