// The AWS WebSocket chat tutorial's sendmessage handler, with the connection table in a file.
// The management API client is built exactly as on AWS, from the event's domainName and stage.
const { ApiGatewayManagementApiClient, PostToConnectionCommand } = require('@aws-sdk/client-apigatewaymanagementapi');
const table = require('./connections');

exports.handler = async function (event) {
  let connections;
  try {
    connections = await table.scan();
  } catch (err) {
    return {
      statusCode: 500,
    };
  }
  const callbackAPI = new ApiGatewayManagementApiClient({
    apiVersion: '2018-11-29',
    endpoint: 'https://' + event.requestContext.domainName + '/' + event.requestContext.stage,
  });

  const message = JSON.parse(event.body).message;

  const sendMessages = connections.Items.map(async ({ connectionId }) => {
    if (connectionId !== event.requestContext.connectionId) {
      try {
        await callbackAPI.send(new PostToConnectionCommand(
          { ConnectionId: connectionId, Data: message, }
        ));
      } catch (e) {
        console.log(e);
      }
    }
  });

  try {
    await Promise.all(sendMessages);
  } catch (e) {
    console.log(e);
    return {
      statusCode: 500,
    };
  }

  return { statusCode: 200 };
};
