// A REQUEST authorizer in the style serverless-offline users write: the token comes in the query
// string, the policy allows or denies the methodArn, and callback('Unauthorized') refuses.
const policy = (principalId, effect, resource, context) => ({
  principalId,
  policyDocument: {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }],
  },
  context,
});

module.exports.handler = (event, context, callback) => {
  const token = (event.queryStringParameters || {}).token || '';
  if (token === 'fail') {
    callback('Unauthorized');
    return;
  }
  if (!token.startsWith('allow-')) {
    callback(null, policy('anonymous', 'Deny', event.methodArn));
    return;
  }
  callback(null, policy(token.slice('allow-'.length), 'Allow', event.methodArn, {
    connectionSeen: event.requestContext.connectionId,
    eventType: event.requestContext.eventType,
    routeKey: event.requestContext.routeKey,
    type: event.type,
  }));
};
