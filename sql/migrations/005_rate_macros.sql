-- Rates per 1000 h and the Poisson/Wald 95% interval injurytools and the NCAA ISP use:
-- rate +/- 1.96 * sqrt(n) / hours * 1000 (SURVEILLANCE.md, "Rates"). Written once, here.
create macro per_1000h(n, hours) as n / nullif(hours, 0) * 1000;
create macro wald_ci_low(n, hours) as (n - 1.96 * sqrt(n)) / nullif(hours, 0) * 1000;
create macro wald_ci_high(n, hours) as (n + 1.96 * sqrt(n)) / nullif(hours, 0) * 1000;
