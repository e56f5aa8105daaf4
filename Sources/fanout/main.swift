import FanoutKit
let doc: JSONValue = ["queues": [["url": "a"], ["url": "b"]]]
for f in CommandLine.arguments.dropFirst() {
  print("filter", f)
  do { let p = try JQProgram(f); print(try p.run(doc)) } catch { print("ERR", error) }
}
