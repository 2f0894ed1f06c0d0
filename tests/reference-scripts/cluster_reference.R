# Reference values for the cluster-robust covariance tests (tests/GpuInference.Tests/Estimation/ClusterRobustTests.cs).
#
# Builds a small, fixed, deterministic data set with the Park-Miller generator (written out here, so the data do not
# depend on R's RNG): 12 villages, each with 2 to 4 sessions of 3 to 8 people. It writes the data to
# ../GpuInference.Tests/Reference/cluster_dataset.csv, fits y ~ x1 + x2 with estimatr and sandwich, and writes every
# number the tests pin, with 17 significant digits, to ../GpuInference.Tests/Reference/cluster_reference.txt as
# "key value" lines.
#
#   plain.*     no fixed effects, clusters = village: CR0, CR1 (estimatr "stata"), CR2
#   cl_in_fe.*  fixed_effects = ~ village, clusters = session: the clusters are nested in the fixed effects
#   fe_in_cl.*  fixed_effects = ~ session, clusters = village: the fixed effects are nested in the clusters
#   crossed.*   fixed_effects = ~ village, clusters = (row number - 1) mod 7: neither nests in the other
#
# Conventions (CR1 = CR0 * G/(G-1) * (n-1)/(n-K)):
# - estimatr's "stata" type and sandwich::vcovCL(type = "HC1") on the dummy-variable regression count every fixed
#   effect in K. fixest's default ssc(fixef.K = "nested"), like Stata, drops fixed effects nested in the clusters
#   from K and counts one parameter for them (the intercept they absorb). The two agree unless the fixed effects are
#   nested in the clusters, so fe_in_cl.CR1 (fixest's) and fe_in_cl.stata (estimatr's) are both recorded. fixest is
#   not used here: fe_in_cl.CR1 rescales sandwich's CR0 by fixest's factor, and the script checks the rescaling
#   against estimatr's own number.
# - Intervals and p-values: t on G - 1 degrees of freedom for CR0/CR1 (estimatr and fixest), t on each coefficient's
#   Bell-McCaffrey degrees of freedom for CR2 (estimatr).
#
# Run from this folder:  Rscript cluster_reference.R
# Needs: estimatr (1.0.0 was used), sandwich (3.0.2 was used).

suppressPackageStartupMessages({
  library(estimatr)
  library(sandwich)
})

out_dir <- file.path("..", "GpuInference.Tests", "Reference")

# --- data ---------------------------------------------------------------------------------------------------------
# Park-Miller minimal standard: s <- 16807 s mod (2^31 - 1). 16807 * 2^31 < 2^53, so doubles compute it exactly.
state <- 20260412
uniform <- function() {
  state <<- (16807 * state) %% 2147483647
  state / 2147483647
}

rows <- list()
for (v in 1:12) {
  village_effect <- 0.4 * ((v * 7) %% 5) - 0.8
  sessions <- c(3, 4, 2)[(v %% 3) + 1]
  for (s in seq_len(sessions)) {
    # Sessions of 3 to 8 people; a session shock in both x1 and y makes errors correlate within clusters.
    size <- 3 + floor(6 * uniform())
    session_x <- 2 * uniform() - 1
    session_effect <- uniform() - 0.5
    for (i in seq_len(size)) {
      x1 <- round(session_x + uniform() - 0.5, 3)
      x2 <- round(4 * uniform() - 2, 3)
      noise <- (uniform() + uniform() + uniform() - 1.5) * (1 + 0.5 * abs(x2))
      y <- round(1 + 0.5 * x1 - 0.3 * x2 + village_effect + session_effect + noise, 3)
      # Session labels are text and village ids integers, so both kinds of cluster label are exercised.
      rows[[length(rows) + 1]] <- data.frame(y = y, x1 = x1, x2 = x2, village = v, session = sprintf("v%02ds%d", v, s))
    }
  }
}
data <- do.call(rbind, rows)
write.csv(data, file.path(out_dir, "cluster_dataset.csv"), row.names = FALSE, quote = FALSE)
data <- read.csv(file.path(out_dir, "cluster_dataset.csv"))  # fit exactly what the tests will read
n <- nrow(data)

lines <- character(0)
put <- function(key, value) lines <<- c(lines, sprintf("%s %.17g", key, value))
put_estimate <- function(prefix, est, se, lo, hi, p, df) {
  put(paste0(prefix, ".estimate"), est); put(paste0(prefix, ".se"), se)
  put(paste0(prefix, ".ci_low"), lo); put(paste0(prefix, ".ci_high"), hi); put(paste0(prefix, ".p"), p)
  put(paste0(prefix, ".df"), df)
}
put_fit <- function(prefix, fit) {
  for (name in names(coef(fit))) {
    put_estimate(paste0(prefix, ".", name), coef(fit)[[name]], fit$std.error[[name]],
                 fit$conf.low[[name]], fit$conf.high[[name]], fit$p.value[[name]], fit$df[[name]])
  }
  put(paste0(prefix, ".n"), fit$nobs)
  put(paste0(prefix, ".clusters"), fit$nclusters)
  put(paste0(prefix, ".df_residual"), fit$df.residual)
}
# An estimate with t on df degrees of freedom, as estimatr and fixest build them.
put_t <- function(prefix, est, se, df) {
  crit <- qt(0.975, df)
  put_estimate(prefix, est, se, est - crit * se, est + crit * se, 2 * pt(-abs(est / se), df), df)
}
same <- function(a, b) stopifnot(isTRUE(all.equal(a, b, tolerance = 1e-10)))

put("n", n)
put("villages", length(unique(data$village)))
put("sessions", length(unique(data$session)))

# --- no fixed effects, clusters = village ---------------------------------------------------------------------------
for (type in c("CR0", "stata", "CR2")) {
  label <- if (type == "stata") "CR1" else type
  put_fit(paste0("plain.", label), lm_robust(y ~ x1 + x2, data = data, clusters = village, se_type = type))
}
plain <- lm(y ~ x1 + x2, data = data)
v_hc1 <- vcovCL(plain, cluster = ~ village, type = "HC1")
same(sqrt(diag(v_hc1))[["x1"]], lm_robust(y ~ x1 + x2, data = data, clusters = village, se_type = "stata")$std.error[["x1"]])
put("sandwich.plain.HC1.cov.x1.x2", v_hc1["x1", "x2"])
put("sandwich.plain.HC1.cov.(Intercept).x1", v_hc1["(Intercept)", "x1"])
put("sandwich.plain.HC0.cov.x1.x2", vcovCL(plain, cluster = ~ village, type = "HC0", cadjust = FALSE)["x1", "x2"])
# sandwich's clustered HC2 is estimatr's CR2 (its covariance, not its df) with sandwich's default cadjust = TRUE;
# with cadjust = FALSE it is (G - 1)/G times CR2. Checked here, and its off-diagonal term recorded.
v_hc2 <- vcovCL(plain, cluster = ~ village, type = "HC2")
same(sqrt(v_hc2["x1", "x1"]), lm_robust(y ~ x1 + x2, data = data, clusters = village, se_type = "CR2")$std.error[["x1"]])
put("sandwich.plain.HC2.cov.x1.x2", v_hc2["x1", "x2"])

# --- clusters nested in the fixed effects: fixed_effects = ~ village, clusters = session ------------------------------
for (type in c("CR0", "stata", "CR2")) {
  label <- if (type == "stata") "CR1" else type
  put_fit(paste0("cl_in_fe.", label),
          lm_robust(y ~ x1 + x2, fixed_effects = ~ village, data = data, clusters = session, se_type = type))
}
dummies <- lm(y ~ x1 + x2 + factor(village), data = data)
v <- vcovCL(dummies, cluster = ~ session, type = "HC1")
same(sqrt(v["x1", "x1"]),
     lm_robust(y ~ x1 + x2, fixed_effects = ~ village, data = data, clusters = session, se_type = "stata")$std.error[["x1"]])
put("sandwich.cl_in_fe.HC1.x1.se", sqrt(v["x1", "x1"]))
put("sandwich.cl_in_fe.HC1.cov.x1.x2", v["x1", "x2"])
# estimatr's CR2 with fixed effects equals its CR2 on the dummy-variable regression.
cr2_dummies <- lm_robust(y ~ x1 + x2 + factor(village), data = data, clusters = session, se_type = "CR2")
cr2_absorbed <- lm_robust(y ~ x1 + x2, fixed_effects = ~ village, data = data, clusters = session, se_type = "CR2")
same(cr2_dummies$std.error[["x1"]], cr2_absorbed$std.error[["x1"]])
same(cr2_dummies$df[["x1"]], cr2_absorbed$df[["x1"]])

# --- fixed effects nested in the clusters: fixed_effects = ~ session, clusters = village ------------------------------
for (type in c("CR0", "stata", "CR2")) {
  put_fit(paste0("fe_in_cl.", type),
          lm_robust(y ~ x1 + x2, fixed_effects = ~ session, data = data, clusters = village, se_type = type))
}
dummies <- lm(y ~ x1 + x2 + factor(session), data = data)
v <- vcovCL(dummies, cluster = ~ village, type = "HC1")
stata <- lm_robust(y ~ x1 + x2, fixed_effects = ~ session, data = data, clusters = village, se_type = "stata")
same(sqrt(v["x1", "x1"]), stata$std.error[["x1"]])
put("sandwich.fe_in_cl.HC1.x1.se", sqrt(v["x1", "x1"]))
# fixest's CR1, ssc(fixef.K = "nested"): the session dummies are nested in the villages, so K = 2 slopes + 1.
G <- length(unique(data$village))
k_full <- length(coef(dummies))            # 2 slopes + intercept + (sessions - 1) dummies = 2 + sessions
k_nested <- 2 + 1
v_cr0 <- vcovCL(dummies, cluster = ~ village, type = "HC0", cadjust = FALSE)
v_fixest <- v_cr0 * G / (G - 1) * (n - 1) / (n - k_nested)
same(v_fixest["x1", "x1"], stata$std.error[["x1"]]^2 * (n - k_full) / (n - k_nested))
put("fe_in_cl.CR1.k", k_nested)
put("fe_in_cl.stata.k", k_full)
for (name in c("x1", "x2")) {
  put_t(paste0("fe_in_cl.CR1.", name), coef(dummies)[[name]], sqrt(v_fixest[name, name]), G - 1)
}
put("fe_in_cl.CR1.cov.x1.x2", v_fixest["x1", "x2"])

# --- clusters crossing the fixed effects: fixed_effects = ~ village, clusters = row number mod 7 -----------------------
# Neither nests in the other, so CR2's degrees of freedom involve the fixed effects' own coordinates across clusters.
data$crossed <- (seq_len(n) - 1) %% 7
for (type in c("stata", "CR2")) {
  label <- if (type == "stata") "CR1" else type
  put_fit(paste0("crossed.", label),
          lm_robust(y ~ x1 + x2, fixed_effects = ~ village, data = data, clusters = crossed, se_type = type))
}

header <- c(
  "# Written by tests/reference-scripts/cluster_reference.R from cluster_dataset.csv; do not edit by hand.",
  sprintf("# %s, estimatr %s, sandwich %s", R.version.string, packageVersion("estimatr"), packageVersion("sandwich")))
writeLines(c(header, lines), file.path(out_dir, "cluster_reference.txt"))
cat(sprintf("n = %d, villages = %d, sessions = %d\n", n, G, length(unique(data$session))))
