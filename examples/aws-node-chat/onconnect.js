// The AWS WebSocket chat tutorial's $connect handler, with the connection table in a file.
const table = require('./connections');

exports.handler = async function (event) {
  try {
    await table.put(event.requestContext.connectionId);
  } catch (err) {
    console.log(err);
    return {
      statusCode: 500,
    };
  }
  return {
    statusCode: 200,
  };
};
