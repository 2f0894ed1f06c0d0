# Reference values for the estimation tests (tests/GpuInference.Tests/Estimation).
#
# Builds a small, fixed, deterministic data set with the Park-Miller generator (written out here, so the data do not
# depend on R's RNG), writes it to ../GpuInference.Tests/Reference/estimation_dataset.csv, fits it with estimatr and
# sandwich, and writes every number the tests pin, with 17 significant digits, to
# ../GpuInference.Tests/Reference/estimation_reference.txt as "key value" lines.
#
# Run from this folder:  Rscript estimation_reference.R
# Needs: estimatr (1.0.0 was used), sandwich (3.0.2 was used).

suppressPackageStartupMessages({
  library(estimatr)
  library(sandwich)
})

out_dir <- file.path("..", "GpuInference.Tests", "Reference")

# --- data ---------------------------------------------------------------------------------------------------------
# Park-Miller minimal standard: s <- 16807 s mod (2^31 - 1). 16807 * 2^31 < 2^53, so doubles compute it exactly.
state <- 20121106
uniform <- function() {
  state <<- (16807 * state) %% 2147483647
  state / 2147483647
}

n <- 300
stratum <- integer(n); z <- integer(n); d <- integer(n); x <- numeric(n); y <- numeric(n)
for (i in seq_len(n)) {
  # Four strata of unequal size (shares about 0.4, 0.3, 0.2, 0.1), like the 2010 vote strata.
  u <- uniform()
  stratum[i] <- if (u < 0.4) 0L else if (u < 0.7) 1L else if (u < 0.9) 2L else 3L
  # Assignment probability differs by stratum, so post-stratification and plain differences disagree.
  z[i] <- as.integer(uniform() < c(0.5, 0.6, 0.7, 0.4)[stratum[i] + 1])
  # One-sided noncompliance: only assigned units can log in and receive the message.
  d[i] <- if (z[i] == 1L) as.integer(uniform() < 0.65) else 0L
  x[i] <- round(10 * uniform() - 5, 3)
  # Heteroskedastic noise so that HC0-HC3 differ visibly; three decimals keep the CSV exact to read.
  noise <- (uniform() + uniform() + uniform() - 1.5) * (1 + 0.5 * abs(x[i]) + stratum[i])
  y[i] <- round(1 + 0.8 * stratum[i] + 0.6 * d[i] + 0.3 * x[i] + noise, 3)
}
data <- data.frame(stratum = stratum, z = z, d = d, x = x, y = y)
write.csv(data, file.path(out_dir, "estimation_dataset.csv"), row.names = FALSE, quote = FALSE)
data <- read.csv(file.path(out_dir, "estimation_dataset.csv"))  # fit exactly what the tests will read
data$g <- factor(data$stratum)

lines <- character(0)
put <- function(key, value) lines <<- c(lines, sprintf("%s %.17g", key, value))
put_estimate <- function(prefix, est, se, lo, hi, p) {
  put(paste0(prefix, ".estimate"), est); put(paste0(prefix, ".se"), se)
  put(paste0(prefix, ".ci_low"), lo); put(paste0(prefix, ".ci_high"), hi); put(paste0(prefix, ".p"), p)
}
put_fit <- function(prefix, fit) {
  for (name in names(coef(fit))) {
    put_estimate(paste0(prefix, ".", name), coef(fit)[[name]], fit$std.error[[name]],
                 fit$conf.low[[name]], fit$conf.high[[name]], fit$p.value[[name]])
  }
  put(paste0(prefix, ".df"), fit$df.residual)
  put(paste0(prefix, ".r2"), fit$r.squared)
}

# --- OLS with an intercept, every covariance type -------------------------------------------------------------------
types <- c(classical = "classical", HC0 = "HC0", HC1 = "HC1", HC2 = "HC2", HC3 = "HC3")
for (label in names(types)) {
  put_fit(paste0("ols.", label), lm_robust(y ~ z + x, data = data, se_type = types[[label]]))
}
# The full covariance from sandwich, as an independent check of the off-diagonal terms.
plain <- lm(y ~ z + x, data = data)
for (label in c("HC0", "HC1", "HC2", "HC3")) {
  v <- vcovHC(plain, type = label)
  put(paste0("sandwich.", label, ".cov.z.x"), v["z", "x"])
  put(paste0("sandwich.", label, ".cov.(Intercept).z"), v["(Intercept)", "z"])
}

# --- absorbed fixed effects ---------------------------------------------------------------------------------------
for (label in names(types)) {
  fe <- lm_robust(y ~ z + x, fixed_effects = ~ g, data = data, se_type = types[[label]])
  put_fit(paste0("fe.", label), fe)
  # estimatr's fixed-effects HC2 equals the dummy-variable regression's; recorded to show the equivalence.
  dummies <- lm_robust(y ~ z + x + g, data = data, se_type = types[[label]])
  stopifnot(isTRUE(all.equal(fe$std.error[["z"]], dummies$std.error[["z"]], tolerance = 1e-12)))
}

# --- post-stratified difference in means ---------------------------------------------------------------------------
ps <- difference_in_means(y ~ z, blocks = stratum, data = data)
put_estimate("ps", ps$coefficients[[1]], ps$std.error[[1]], ps$conf.low[[1]], ps$conf.high[[1]], ps$p.value[[1]])
put("ps.df", ps$df[[1]])

# --- Wald IV / LATE -----------------------------------------------------------------------------------------------
# Unstratified: the point estimate from iv_robust, the delta-method SE from HC2 sandwich covariances of the stacked
# regressions y ~ z and d ~ z (cross term (X'X)^-1 X' diag(e_y e_d / (1 - h)) X (X'X)^-1).
iv <- iv_robust(y ~ d | z, data = data, se_type = "HC2")
put("iv_robust.late", coef(iv)[["d"]])
put("iv_robust.se_HC2", iv$std.error[["d"]])  # for comparison only: not the delta method
fit_y <- lm(y ~ z, data = data); fit_d <- lm(d ~ z, data = data)
X <- model.matrix(fit_y); h <- hatvalues(fit_y); bread <- solve(crossprod(X))
hc2 <- function(a, b) bread %*% crossprod(X * (a * b / (1 - h)), X) %*% bread
v_yy <- hc2(resid(fit_y), resid(fit_y))[2, 2]
v_dd <- hc2(resid(fit_d), resid(fit_d))[2, 2]
v_yd <- hc2(resid(fit_y), resid(fit_d))[2, 2]
stopifnot(isTRUE(all.equal(v_yy, vcovHC(fit_y, type = "HC2")[2, 2], tolerance = 1e-12)))
delta <- function(itt, rate, v_itt, v_rate, cov) {
  sqrt(v_itt / rate^2 + itt^2 * v_rate / rate^4 - 2 * itt * cov / rate^3)
}
itt <- coef(fit_y)[["z"]]; rate <- coef(fit_d)[["z"]]
late_se <- delta(itt, rate, v_yy, v_dd, v_yd)
stopifnot(isTRUE(all.equal(itt / rate, coef(iv)[["d"]], tolerance = 1e-12)))
put("wald.itt", itt); put("wald.itt_se", sqrt(v_yy))
put("wald.rate", rate); put("wald.rate_se", sqrt(v_dd)); put("wald.cov", v_yd)
put_estimate("wald.late", itt / rate, late_se, itt / rate - qnorm(0.975) * late_se, itt / rate + qnorm(0.975) * late_se,
             2 * pnorm(-abs(itt / rate / late_se)))

# Post-stratified (as the paper rescales its ITT): ITT from difference_in_means(blocks =), rate over all assigned,
# Cov(ITT, rate) = sum_s (n_s / n) cov_s(y, d | z = 1) / n_1.
treated <- data[data$z == 1, ]
n1 <- nrow(treated)
rate_ps <- mean(treated$d)
v_rate_ps <- var(treated$d) / n1
cov_ps <- 0
for (s in sort(unique(data$stratum))) {
  share <- mean(data$stratum == s)
  block <- treated[treated$stratum == s, ]
  cov_ps <- cov_ps + share * cov(block$y, block$d) / n1
}
itt_ps <- ps$coefficients[[1]]
late_ps_se <- delta(itt_ps, rate_ps, ps$std.error[[1]]^2, v_rate_ps, cov_ps)
put("wald_ps.rate", rate_ps); put("wald_ps.rate_se", sqrt(v_rate_ps)); put("wald_ps.cov", cov_ps)
put_estimate("wald_ps.late", itt_ps / rate_ps, late_ps_se, itt_ps / rate_ps - qnorm(0.975) * late_ps_se,
             itt_ps / rate_ps + qnorm(0.975) * late_ps_se, 2 * pnorm(-abs(itt_ps / rate_ps / late_ps_se)))

header <- c(
  "# Written by tests/reference-scripts/estimation_reference.R from estimation_dataset.csv; do not edit by hand.",
  sprintf("# %s, estimatr %s, sandwich %s", R.version.string, packageVersion("estimatr"), packageVersion("sandwich")))
writeLines(c(header, lines), file.path(out_dir, "estimation_reference.txt"))
