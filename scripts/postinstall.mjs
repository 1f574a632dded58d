// Plain JavaScript, not TypeScript: it must run even on a Node too old to strip types.
// After `npm install`: one plain line saying which Node runs the app, since npm (on the machine's
// own Node, possibly older) no longer prints its engine warnings (see .npmrc).
const major = Number(process.versions.node.split('.')[0]);
if (major >= 22) {
  console.log(`Calendar Club: installed. \`npm start\` and \`npm test\` run on Node ${process.version} (from node_modules).`);
} else {
  console.log(`Calendar Club: installed, but Node ${process.version} is too old to run it; \`npm install\` again so that the pinned Node 24 is fetched.`);
}
