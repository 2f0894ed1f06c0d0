# Reference values for the whole `analyze` pipeline (tests/GpuInference.Tests/Cli/PipelineAgainstRTests.cs).
#
# The data are not committed: they are what `gpuinference simulate --n 4000 --seed 5 --out DIR` writes, which the
# test regenerates and checks by SHA-256 (printed below) before comparing. Each estimate the report holds is fitted
# here the way a researcher would in R: estimatr's lm_robust and difference_in_means, exposures counted from the edge
# list with base R, the strata (number of close friends x vote2010) absorbed as fixed effects.
#
# Run from this folder:  Rscript pipeline_reference.R DIR > ../GpuInference.Tests/Reference/pipeline_reference.txt
# Needs: estimatr (1.0.0 was used).

suppressPackageStartupMessages(library(estimatr))
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args) > 0) args[1] else "data"
nodes <- read.csv(file.path(dir, "nodes.csv"), stringsAsFactors = FALSE)
edges <- read.csv(file.path(dir, "edges.csv"))
put <- function(key, value) cat(key, " ", formatC(value, digits = 17, format = "g"), "\n", sep = "")

cat("nodes_sha256 ", system(paste("sha256sum", file.path(dir, "nodes.csv"), "| cut -c1-64"), intern = TRUE), "\n", sep = "")
cat("edges_sha256 ", system(paste("sha256sum", file.path(dir, "edges.csv"), "| cut -c1-64"), intern = TRUE), "\n", sep = "")

# The graph as the engine cleans it: self-loops and repeated (src, dst) pairs dropped.
edges <- unique(edges[edges$src != edges$dst, c("src", "dst")])
units <- nodes[!is.na(nodes$voted), ]
units$both <- as.integer(units$banner == 1 & units$feed == 1)
units$voted2010 <- as.integer(units$vote2010 == "voted")
units$abstained2010 <- as.integer(units$vote2010 == "abstained")

# 1. Both vs neither (one-treatment cells left out), HC2; adjusted for 2010 turnout; post-stratified on it.
contrast <- units[units$both == 1 | (units$banner == 0 & units$feed == 0), ]
plain <- lm_robust(voted ~ both, data = contrast, se_type = "HC2")
put("both_vs_neither.estimate", coef(plain)[["both"]]); put("both_vs_neither.se", plain$std.error[["both"]])
adjusted <- lm_robust(voted ~ both + voted2010 + abstained2010, data = contrast, se_type = "HC2")
put("both_vs_neither_adjusted.estimate", coef(adjusted)[["both"]]); put("both_vs_neither_adjusted.se", adjusted$std.error[["both"]])
post <- difference_in_means(voted ~ both, blocks = vote2010, data = contrast)
put("post_stratified.estimate", post$coefficients[[1]]); put("post_stratified.se", post$std.error[[1]])

# 2. Factorial on the whole sample with the 2010 dummies, HC2.
factorial <- lm_robust(voted ~ banner + feed + voted2010 + abstained2010, data = units, se_type = "HC2")
put("factorial_banner.estimate", coef(factorial)[["banner"]]); put("factorial_banner.se", factorial$std.error[["banner"]])
put("factorial_feed.estimate", coef(factorial)[["feed"]]); put("factorial_feed.se", factorial$std.error[["feed"]])

# 4. Spillover: friends with banner / feed, own cells, strata of (number of close friends x vote2010), HC1.
treated <- nodes[match(edges$dst, nodes$id), ]
exposure <- aggregate(cbind(nb = treated$banner, nf = treated$feed, degree = 1) ~ src, data = cbind(edges, treated), FUN = sum)
units$nb <- 0; units$nf <- 0; units$degree <- 0
at <- match(exposure$src, units$id); keep <- !is.na(at)
units$nb[at[keep]] <- exposure$nb[keep]; units$nf[at[keep]] <- exposure$nf[keep]; units$degree[at[keep]] <- exposure$degree[keep]
units$stratum <- paste(units$degree, units$vote2010)
spill <- lm_robust(voted ~ nb + nf + banner + feed, fixed_effects = ~stratum, data = units, se_type = "HC1")
put("spillover_banner.estimate", coef(spill)[["nb"]]); put("spillover_banner.se", spill$std.error[["nb"]])
put("spillover_feed.estimate", coef(spill)[["nf"]]); put("spillover_feed.se", spill$std.error[["nf"]])
put("units", nrow(units)); put("edges", nrow(edges))
