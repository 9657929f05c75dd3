// Read a GEXF file with graphology-gexf, the parser Gephi Lite opens GEXF files with, and print
// what it read as JSON: the graph's type, its attributes, every node and every edge with theirs.
// Used by tests/test_gephi_lite.py (`node read_gexf.js FILE`); a file it cannot parse exits 1.
"use strict";
const fs = require("fs");
const { MultiGraph } = require("graphology");
const gexf = require("graphology-gexf");

const graph = gexf.parse(MultiGraph, fs.readFileSync(process.argv[2], "utf8"));
const nodes = {};
graph.forEachNode((key, attributes) => {
  nodes[key] = attributes;
});
const edges = [];
graph.forEachEdge((key, attributes, source, target) => {
  edges.push({ key, source, target, attributes });
});
process.stdout.write(
  JSON.stringify({ type: graph.type, multi: graph.multi, graph: graph.getAttributes(), nodes, edges })
);
