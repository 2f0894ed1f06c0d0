#!/usr/bin/env Rscript
# Spillover regression with a permutation null, the way it is done in R today.
#
#   voted ~ nb + nf + b + f, stratum fixed effects (stratum = out-degree x vote2010)
#   nb / nf: close friends (out-neighbours, self-loops and duplicate edges dropped) with banner / feed.
#   Null: graph fixed, (banner, feed) pairs permuted jointly over ALL nodes (also those without outcome).
#
# Two engines, on the same permutations (permutation k uses set.seed(seed + k)), so the same null draws:
#   estimatr  estimatr::lm_robust(voted ~ nb + nf + b + f, fixed_effects = ~stratum, se_type = "HC2")
#             per permutation, exposures from a Matrix sparse product.
#   fast      Matrix sparse products, within-stratum demeaning with rowsum(), lm.fit on the demeaned data.
#
# Usage: Rscript spillover_r.R --nodes DIR/nodes.csv --edges DIR/edges.csv --permutations 5 [--mode both|estimatr|fast]
# Prints one JSON object on stdout; progress goes to stderr.

suppressPackageStartupMessages(library(Matrix))

args <- commandArgs(trailingOnly = TRUE)
opt <- list(nodes = NULL, edges = NULL, permutations = 5L, seed = 20121106L, mode = "both", fast_permutations = NA)
i <- 1
while (i <= length(args)) {
  key <- sub("^--", "", args[i]); key <- gsub("-", "_", key)
  if (!key %in% names(opt)) stop("unknown option ", args[i])
  opt[[key]] <- args[i + 1]; i <- i + 2
}
if (is.null(opt$nodes) || is.null(opt$edges)) stop("--nodes and --edges are required")
B <- as.integer(opt$permutations)
B_fast <- if (is.na(opt$fast_permutations)) B else as.integer(opt$fast_permutations)
seed <- as.integer(opt$seed)
msg <- function(...) { cat(..., "\n", file = stderr(), sep = ""); flush(stderr()) }
now <- function() unname(proc.time()[["elapsed"]])

# ---------------------------------------------------------------------------------------------
# load
# ---------------------------------------------------------------------------------------------
t0 <- now()
have_dt <- requireNamespace("data.table", quietly = TRUE)
if (have_dt) {
  nodes <- data.table::fread(opt$nodes, select = c("id", "voted", "banner", "feed", "vote2010"),
                             colClasses = list(numeric = c("id", "voted"), integer = c("banner", "feed"),
                                               character = "vote2010"), na.strings = "", showProgress = FALSE)
  edges <- data.table::fread(opt$edges, colClasses = c("numeric", "numeric"), showProgress = FALSE)
} else {
  nodes <- read.csv(opt$nodes, colClasses = c(id = "numeric", voted = "numeric", banner = "integer",
                                               feed = "integer", vote2010 = "character"), na.strings = "")
  edges <- read.csv(opt$edges, colClasses = c("numeric", "numeric"))
}
t_read <- now() - t0
t1 <- now()
n <- nrow(nodes)
src <- match(edges$src, nodes$id)
dst <- match(edges$dst, nodes$id)
edges_raw <- nrow(edges)
ok <- !is.na(src) & !is.na(dst)
if (!all(ok)) msg("warning: ", sum(!ok), " edges name unknown ids; dropped")
ok <- ok & src != dst                               # self-loops
A <- sparseMatrix(i = src[ok], j = dst[ok], x = 1, dims = c(n, n))   # duplicates are summed ...
A@x[] <- 1                                          # ... and then counted once
n_edges <- length(A@x)
rm(edges, src, dst, ok)
deg <- rowSums(A)
units <- which(!is.na(nodes$voted))
Au <- A[units, , drop = FALSE]
rm(A)
y <- nodes$voted[units]
banner <- as.numeric(nodes$banner)
feed <- as.numeric(nodes$feed)
stratum <- factor(paste(deg[units], nodes$vote2010[units], sep = ":"))
g <- as.integer(stratum)
cnt <- tabulate(g, nbins = nlevels(stratum))
demean <- function(x) x - (rowsum(x, g, reorder = TRUE) / cnt)[g, , drop = FALSE]
yd <- drop(demean(matrix(y)))
load_s <- now() - t0
prep_s <- now() - t1
msg(sprintf("loaded: %d nodes, %d units, %d edges (%d raw), %d strata, read %.2fs, prepare %.2fs",
            n, length(units), n_edges, edges_raw, nlevels(stratum), t_read, prep_s))

# ---------------------------------------------------------------------------------------------
# the two fits
# ---------------------------------------------------------------------------------------------
design <- function(bp, fp) cbind(nb = as.vector(Au %*% bp), nf = as.vector(Au %*% fp), b = bp[units], f = fp[units])

fit_estimatr <- function(bp, fp) {
  d <- data.frame(voted = y, design(bp, fp), stratum = stratum)
  m <- estimatr::lm_robust(voted ~ nb + nf + b + f, data = d, fixed_effects = ~stratum, se_type = "HC2")
  unname(coef(m)[c("nb", "nf")])
}
fit_fast <- function(bp, fp) {
  Xd <- demean(design(bp, fp))
  unname(lm.fit(Xd, yd)$coefficients[1:2])
}

modes <- switch(opt$mode, both = c("fast", "estimatr"), estimatr = "estimatr", fast = "fast", stop("bad --mode"))
have_estimatr <- requireNamespace("estimatr", quietly = TRUE)
if (!have_estimatr && "estimatr" %in% modes) { msg("estimatr is not installed; fast engine only"); modes <- "fast" }

res <- list(tool = "r", nodes = n, units = length(units), edges = n_edges, edges_raw = edges_raw,
            strata = nlevels(stratum), read_s = t_read, prepare_s = prep_s, load_s = load_s,
            permutations = B, seed = seed)

runs <- list()
for (m in modes) {
  fit <- if (m == "fast") fit_fast else fit_estimatr
  t0 <- now()
  obs <- fit(banner, feed)
  res[[paste0(m, "_observed_s")]] <- now() - t0
  res[[paste0(m, "_banner")]] <- obs[1]
  res[[paste0(m, "_feed")]] <- obs[2]
  Bm <- if (m == "fast") B_fast else B
  null <- matrix(NA_real_, Bm, 2)
  t0 <- now()
  for (k in seq_len(Bm)) {
    set.seed(seed + k)               # per-permutation seed: lm_robust itself draws random numbers
    perm <- sample.int(n)
    null[k, ] <- fit(banner[perm], feed[perm])
  }
  t <- now() - t0
  msg(sprintf("%s: observed banner %.10g feed %.10g; %d permutations in %.3fs (%.4gs each)",
              m, obs[1], obs[2], Bm, t, if (Bm > 0) t / Bm else NA))
  res[[paste0(m, "_permutations")]] <- Bm
  res[[paste0(m, "_per_permutation_s")]] <- if (Bm > 0) t / Bm else NA
  runs[[m]] <- list(obs = obs, null = null, t = t, B = Bm)
}
if (length(runs) == 2) {
  res$fast_vs_estimatr_observed_max_abs_diff <- max(abs(runs$fast$obs - runs$estimatr$obs))
  k <- min(runs$fast$B, runs$estimatr$B)
  if (k > 0) res$fast_vs_estimatr_null_max_abs_diff <- max(abs(runs$fast$null[1:k, ] - runs$estimatr$null[1:k, ]))
}
# the reported peer is the estimatr engine (what researchers run); fall back to fast if it is absent
main <- if ("estimatr" %in% names(runs)) "estimatr" else "fast"
r <- runs[[main]]
res$engine <- main
res$observed_s <- res[[paste0(main, "_observed_s")]]
res$banner <- r$obs[1]
res$feed <- r$obs[2]
res$permutations <- r$B
res$permutations_s <- r$t
res$per_permutation_s <- if (r$B > 0) r$t / r$B else NA
for (j in 1:2) {
  name <- c("banner", "feed")[j]
  x <- r$null[, j]
  if (length(x) > 0) {
    q <- quantile(x, c(0.005, 0.025, 0.5, 0.975, 0.995), type = 7, names = FALSE)
    for (h in 1:5) res[[sprintf("null_%s_%s", name, c("q005", "q025", "q500", "q975", "q995")[h])]] <- q[h]
    res[[sprintf("null_%s_mean", name)]] <- mean(x)
    res[[sprintf("null_%s_sd", name)]] <- if (length(x) > 1) sd(x) else NA
    res[[sprintf("p_%s", name)]] <- (1 + sum(abs(x) >= abs(r$obs[j]))) / (length(x) + 1)
  }
}

# JSON without dependencies
enc <- function(v) {
  if (is.character(v)) return(paste0('"', gsub('"', '\\\\"', v), '"'))
  if (is.na(v) || !is.finite(v)) return("null")
  if (is.numeric(v) && v == round(v) && abs(v) < 2^52) return(format(v, scientific = FALSE))
  sprintf("%.17g", v)
}
cat("{\n", paste(sprintf(' "%s": %s', names(res), vapply(res, enc, "")), collapse = ",\n"), "\n}\n", sep = "")
