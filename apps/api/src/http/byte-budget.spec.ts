import { ByteBudget } from './byte-budget';

describe('ByteBudget', () => {
  it('reserves what fits and refuses what does not, without waiting', () => {
    const budget = new ByteBudget(100);
    const first = budget.reserve(60);
    expect(first?.held).toBe(60);
    expect(budget.reserve(41)).toBeNull();
    expect(budget.reserve(40)?.held).toBe(40);
    expect(budget.available).toBe(0);
    expect(budget.reserve(1)).toBeNull();
    expect(budget.reserve(0)).not.toBeNull();
  });

  it('grows a reservation while bytes are free, and keeps what it held when they are not', () => {
    const budget = new ByteBudget(100);
    const growing = budget.reserve(0)!;
    const other = budget.reserve(30)!;
    expect(growing.growTo(50)).toBe(true);
    expect(growing.growTo(40)).toBe(true);
    expect(growing.held).toBe(50);
    expect(growing.growTo(71)).toBe(false);
    expect(growing.held).toBe(50);
    expect(budget.available).toBe(20);
    other.release();
    expect(growing.growTo(71)).toBe(true);
    expect(budget.available).toBe(29);
  });

  it('gives everything back once, however often it is released', () => {
    const budget = new ByteBudget(100);
    const reservation = budget.reserve(70)!;
    reservation.growTo(90);
    reservation.release();
    reservation.release();
    expect(budget.available).toBe(100);
    expect(reservation.growTo(10)).toBe(false);
    expect(budget.available).toBe(100);
  });
});
