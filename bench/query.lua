-- wrk script: a read query. args: tokens-file (or "-" for anonymous) query-json
local tokens, body = {}, ""
function init(args)
  if args[1] ~= "-" then for line in io.lines(args[1]) do tokens[#tokens + 1] = line end end
  body = args[2]
end
function request()
  local headers = { ["Content-Type"] = "application/json" }
  if #tokens > 0 then headers["Authorization"] = "Bearer " .. tokens[math.random(#tokens)] end
  return wrk.format("POST", "/graphql", headers, body)
end
